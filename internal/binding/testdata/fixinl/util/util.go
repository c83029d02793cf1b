package util

// Word is small: the compiler inlines it into its callers.
func Word(name string) string { return "old " + name }
