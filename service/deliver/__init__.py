"""Deliver: tagged stories and subscribers in, sent emails out.

match turns stories and subscriptions into delivery rows (alerts and weekly
digests), compose/render/mime build each email from the Jinja2 templates with
signed links (links, tokens), claims hands out due rows with a lease, send
sends them and records each outcome, transport speaks SMTP (or writes the outbox folder), and wakeup
tells idle workers that rows are due.
"""
