//! Tests of the loop: actions in, state out.
