"""The Django shell: stores what the core decides, serves pages and the JSON API."""
