package io.smsgw.core.runtime;

import java.net.InetAddress;

import io.smsgw.core.config.AccessProtocol;
import io.smsgw.core.config.Account;

/**
 * An SMPP bind or CMPP connection logged in as an account, as {@link GatewayRuntime} keeps it: a reload that removes
 * the account or revokes what the session logged in with (its password, its protocol, its address) ends it.
 */
public interface AccountSession {

   /** The account as the session logged in with it. */
   Account account();

   /** The protocol it logged in over. */
   AccessProtocol protocol();

   /** The client's address; null when unknown (then only the other checks apply). */
   InetAddress remoteAddress();

   /**
    * From any thread, never blocking: ends the session as the protocol expects (SMPP unbind, CMPP TERMINATE) once what
    * it received before is answered, and closes it at the client's answer or after the acceptor's response timeout. A
    * session not logged in yet is closed; one ending already goes on as it was.
    */
   void endForRevokedAccount();
}
