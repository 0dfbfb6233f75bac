"""Events: one piece of news, however many newsletters report it.

classify -> events -> store: signature turns a story into weighted terms,
matching decides which events a story joins (pure), store keeps signatures
(the candidate index) and memberships in the storing transaction, editors
records splits and merges, report lists events and tunes the threshold.
Pure Python: only classify/ imports scikit-learn.
"""
