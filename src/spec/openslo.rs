//! Reader for OpenSLO documents (filled in with the OpenSLO work).
