"""Every read for a use case: scoped to the caller, with the joins it needs, query counts pinned."""
