"""The `newsalerts` command: the group in main.py, one module per area of commands."""
