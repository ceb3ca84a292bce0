"""The versioned REST API (/api/v1/): token auth, the same rules and domain functions as the pages."""
