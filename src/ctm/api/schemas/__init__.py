"""Request and response schemas of the API (pydantic, through django-ninja)."""
