"""The site replica: realistic copies of the target sites' pages under their real URLs, served
through an HTTP proxy (with CONNECT and a self-signed certificate for HTTPS) on 127.0.0.1."""
