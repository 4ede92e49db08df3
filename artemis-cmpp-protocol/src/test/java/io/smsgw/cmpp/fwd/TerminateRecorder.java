package io.smsgw.cmpp.fwd;

import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.server.CmppInterceptor;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;

/**
 * An incoming CMPP interceptor (configured by class name, as an admin would in broker.xml) that counts the
 * TERMINATEs a broker's CMPP acceptors receive, so a test can see that a peer said goodbye.
 */
public final class TerminateRecorder implements CmppInterceptor {

   static final AtomicInteger TERMINATES = new AtomicInteger();

   @Override
   public boolean intercept(CmppPdu pdu, RemotingConnection connection) {
      if (pdu instanceof Terminate) {
         TERMINATES.incrementAndGet();
      }
      return true;
   }
}
