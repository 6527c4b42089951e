//! The instrlint pipeline and commands, as a library for the binary and the tests.
