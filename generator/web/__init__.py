"""`vbgen serve`: the web page over a data folder (documents, form, preview, check, download)."""
