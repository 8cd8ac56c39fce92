"""Lexicons: entries the secrecy bureau maintains, compiled into an Aho-Corasick automaton."""
