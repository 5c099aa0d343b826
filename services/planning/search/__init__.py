"""全局搜索 (search): what of this service the caller may see, matching a query."""
