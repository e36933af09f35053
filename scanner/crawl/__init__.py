"""Pipeline stage: crawl."""
