"""Classify: stories in, stories with themes (scores and the terms behind them) out.

The model and its cues, training, evaluation reports, the versioned model
store and people's labels.  The only package that imports scikit-learn; the
worker, the sender and the web app never import the modules that do.
"""
