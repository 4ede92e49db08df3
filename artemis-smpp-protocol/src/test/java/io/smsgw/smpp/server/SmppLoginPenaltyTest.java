package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.SmppStatus;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed binds slow down whoever guesses passwords (decision 99): after smppAuthFailureLimit failures an address's
 * further binds are refused unchecked and late, while the account's owner binds at once from another address.
 * The guessing client binds from 127.0.0.3, the owner from 127.0.0.1 (both loopback).
 */
class SmppLoginPenaltyTest {

   @TempDir
   Path dir;

   private static BindRequest bind(String systemId, String password) {
      return new BindRequest(1, BindType.TRANSMITTER, systemId, password, "", 0x34, 0, 0, "");
   }

   private static int answer(RawSmppClient client) throws Exception {
      return assertInstanceOf(BindResponse.class, client.read()).commandStatus();
   }

   static SmppProtocolManager manager(TestBroker broker) {
      NettyAcceptor acceptor = (NettyAcceptor) broker.server().getRemotingService().getAcceptor("smpp");
      return (SmppProtocolManager) acceptor.getProtocolHandler().getProtocolMap().get("SMPP");
   }

   @Test
   void afterTheLimitAnAddressIsRefusedLateAndUncheckedWhileTheOwnerBindsFromAnotherAtOnce() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, ";smppAuthFailureLimit=3;smppAuthFailureWindow=30s;smppAuthFailureDelay=1s").start()) {
         for (int i = 0; i < 3; i++) {
            try (RawSmppClient guesser = new RawSmppClient("127.0.0.3", broker.port())) {
               guesser.send(bind("smppclient1", "guess" + i));
               assertEquals(SmppStatus.ESME_RBINDFAIL, answer(guesser), "failure " + (i + 1) + " of 3 is answered at once");
            }
         }
         assertEquals(0, manager(broker).getSmppAuthFailuresPenalized());

         try (RawSmppClient fourth = new RawSmppClient("127.0.0.3", broker.port());
              RawSmppClient rightPassword = new RawSmppClient("127.0.0.3", broker.port())) {
            fourth.send(bind("smppclient1", "guess3"));
            assertNull(fourth.read(200), "the fourth failure is not answered at once (a penalty of 1 s)");
            // Within that penalty even the right password is not checked: the guesser learns nothing from it.
            rightPassword.send(bind("smppclient1", "password"));
            try (RawSmppClient owner = new RawSmppClient("127.0.0.1", broker.port())) {
               owner.send(bind("smppclient1", "password"));
               assertEquals(SmppStatus.ESME_ROK, answer(owner), "the account's owner binds from its own address at once");
            }
            assertEquals(SmppStatus.ESME_RBINDFAIL, answer(fourth));
            assertTrue(fourth.closedByServer(10_000));
            assertEquals(SmppStatus.ESME_RBINDFAIL, answer(rightPassword), "refused unchecked while the address's penalty runs");
            assertTrue(rightPassword.closedByServer(10_000));
         }
         assertEquals(2, manager(broker).getSmppAuthFailuresPenalized(), "both late refusals are counted for the operator");
      }
   }

   /**
    * An ESME with a wrong password that reconnects whenever a bind goes unanswered for a while (Kannel, jSMPP) keeps
    * landing inside the address's penalty. Those unchecked attempts must not lengthen it: once it ends the next bind
    * is checked, so the ESME gets in as soon as its password is fixed.
    */
   @Test
   void aClientRetryingDuringThePenaltyIsCheckedOnceItEndsAndBindsWithTheRightPassword() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, ";smppAuthFailureLimit=3;smppAuthFailureWindow=30s;smppAuthFailureDelay=1s").start()) {
         for (int i = 0; i < 3; i++) {
            try (RawSmppClient esme = new RawSmppClient("127.0.0.4", broker.port())) {
               esme.send(bind("smppclient1", "oldpass"));
               assertEquals(SmppStatus.ESME_RBINDFAIL, answer(esme));
            }
         }
         try (RawSmppClient fourth = new RawSmppClient("127.0.0.4", broker.port())) {
            fourth.send(bind("smppclient1", "oldpass"));
            assertNull(fourth.read(300), "the fourth failure starts a penalty of 1 s; the ESME gives up waiting");
         }
         // The password is fixed now; the ESME retries every 300 ms, each time giving up after 300 ms without an answer.
         long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
         int status = -1;
         int attempts = 0;
         while (status != SmppStatus.ESME_ROK && System.nanoTime() < deadline) {
            try (RawSmppClient esme = new RawSmppClient("127.0.0.4", broker.port())) {
               attempts++;
               esme.send(bind("smppclient1", "password"));
               if (esme.read(300) instanceof BindResponse response) {
                  status = response.commandStatus();
               }
            }
         }
         assertEquals(SmppStatus.ESME_ROK, status, "bound within 10 s of a 1 s penalty (" + attempts + " attempts)");
         assertTrue(attempts > 1, "the first retries fell inside the penalty");
      }
   }

   @Test
   void anOperatorClearsThePenalties() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, ";smppAuthFailureLimit=1;smppAuthFailureWindow=60s;smppAuthFailureDelay=60s").start()) {
         for (int i = 0; i < 2; i++) {
            try (RawSmppClient esme = new RawSmppClient("127.0.0.5", broker.port())) {
               esme.send(bind("smppclient1", "oldpass"));
               if (i == 0) {
                  assertEquals(SmppStatus.ESME_RBINDFAIL, answer(esme));
               }
            }
         }
         io.smsgw.broker.testing.Wait.until("the second failure penalized", java.time.Duration.ofSeconds(10),
                                            () -> manager(broker).getSmppAuthFailuresPenalized() == 1);
         manager(broker).clearSmppAuthFailurePenalties();
         try (RawSmppClient esme = new RawSmppClient("127.0.0.5", broker.port())) {
            esme.send(bind("smppclient1", "password"));
            assertEquals(SmppStatus.ESME_ROK, answer(esme), "checked at once, not after the 60 s penalty");
         }
      }
   }

   @Test
   void withALimitOf0NothingIsPenalized() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, ";smppAuthFailureLimit=0").start()) {
         for (int i = 0; i < 8; i++) {
            try (RawSmppClient guesser = new RawSmppClient("127.0.0.3", broker.port())) {
               guesser.send(bind("smppclient1", "guess" + i));
               assertEquals(SmppStatus.ESME_RBINDFAIL, answer(guesser));
            }
         }
         try (RawSmppClient client = new RawSmppClient("127.0.0.3", broker.port())) {
            client.send(bind("smppclient1", "password"));
            assertEquals(SmppStatus.ESME_ROK, answer(client));
         }
         assertEquals(0, manager(broker).getSmppAuthFailuresPenalized());
      }
   }
}
