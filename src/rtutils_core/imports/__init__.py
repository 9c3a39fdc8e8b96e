"""CSV imports of new devices: the file format, the dry run and import, and the import as a job."""
