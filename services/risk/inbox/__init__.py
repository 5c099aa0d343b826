"""我的待办's risk part: the open actions a person owns."""
