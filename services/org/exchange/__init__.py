"""The org in and out of Excel (组织架构): units, positions, people and their assignments."""
