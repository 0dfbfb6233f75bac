"""Operations: the processes that run the flow, and what they report.

runner starts `run`, `scheduler` and `worker` (process: their id and stop
signal); scheduler plans the jobs
(poll, send, digests, retrain); leader keeps one active scheduler; status,
metrics and logs say what the service is doing.
"""
