"""What is kept on disk between runs: the parsed-library snapshot."""
