package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.ConnectResp;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed CONNECTs slow down whoever guesses secrets (decision 99): after cmppAuthFailureLimit failures an address's
 * further CONNECTs are refused unchecked and late, while the SP connects at once from another address. The guessing
 * client connects from 127.0.0.3, the SP from 127.0.0.1 (both loopback).
 */
class CmppLoginPenaltyTest {

   @TempDir
   Path dir;

   static CmppProtocolManager manager(TestBroker broker) {
      NettyAcceptor acceptor = (NettyAcceptor) broker.server().getRemotingService().getAcceptor("cmpp");
      return (CmppProtocolManager) acceptor.getProtocolHandler().getProtocolMap().get("CMPP");
   }

   @Test
   void afterTheLimitAnAddressIsRefusedLateAndUncheckedWhileTheSpConnectsFromAnotherAtOnce() throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppAuthFailureLimit=3;cmppAuthFailureWindow=30s;cmppAuthFailureDelay=1s").start()) {
         for (int i = 0; i < 3; i++) {
            try (RawCmppClient guesser = new RawCmppClient("127.0.0.3", broker.port())) {
               assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, guesser.connect(i == 0 ? "999999" : "901234", "guess" + i, 0x30).status(),
                            "failure " + (i + 1) + " of 3 (an unknown SP_Id counts too) is answered at once");
            }
         }
         assertEquals(0, manager(broker).getCmppAuthFailuresPenalized());

         try (RawCmppClient fourth = new RawCmppClient("127.0.0.3", broker.port());
              RawCmppClient rightSecret = new RawCmppClient("127.0.0.3", broker.port())) {
            fourth.sendConnect("901234", "guess3", 0x30);
            assertNull(fourth.read(200), "the fourth failure is not answered at once (a penalty of 1 s)");
            rightSecret.sendConnect("901234", "secret", 0x30);
            try (RawCmppClient sp = new RawCmppClient("127.0.0.1", broker.port())) {
               assertEquals(CmppResult.CONNECT_OK, sp.connect("901234", "secret", 0x30).status(),
                            "the SP connects from its own address at once");
            }
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, assertInstanceOf(ConnectResp.class, fourth.read()).status());
            assertTrue(fourth.closedByServer(10_000));
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, assertInstanceOf(ConnectResp.class, rightSecret.read()).status(),
                         "refused unchecked while the address's penalty runs");
            assertTrue(rightSecret.closedByServer(10_000));
         }
         assertEquals(2, manager(broker).getCmppAuthFailuresPenalized(), "both late refusals are counted for the operator");
      }
   }
}
