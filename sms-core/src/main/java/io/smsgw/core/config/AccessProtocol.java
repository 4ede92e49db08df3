package io.smsgw.core.config;

/** The acceptor protocols an account may connect with. */
public enum AccessProtocol {
   SMPP,
   CMPP
}
