"""Format parsers: text in, positioned node trees out. They know formats, never rules."""
