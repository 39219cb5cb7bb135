"""A resync: the Ocean glue, the run's shared state, the engine reading every slice of a kind,
the raw items and the figures; readers/ are the child processes that read slices of large
resyncs."""
