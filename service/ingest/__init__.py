"""Ingest: raw messages in, stored issues and their tagged stories out.

fetch/ reads the inbox (IMAP or a folder), trust checks the sender, parse and
body turn MIME into blocks with their roles, segment cuts blocks into stories
(per-newsletter rules in sources/ are data), store writes the outcome, and
pipeline runs one message through all of them in one transaction.
"""
