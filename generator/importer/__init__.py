"""`vbgen import`: Word documents read back into vbgen data (bodies, references, the document)."""
