"""Files: versioned JSON formats with strict loading, canonical atomic writing and digests
(formats), region-adjacency graphs (graphs), CSV training data (dataset)."""
