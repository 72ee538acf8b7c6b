"""Word lists and rule tables: data, in one place."""
