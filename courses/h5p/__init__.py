"""H5P packages: validation of uploads, the library store, and the files the player fetches."""
