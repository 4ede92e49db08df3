package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppCommandId;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.ConnectResp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an unauthenticated CMPP connection can make the gateway buffer and log (decision 130): PDUs before the CONNECT
 * are capped at a CONNECT's size, the Source_Addr reaches the log escaped, and an unknown SP_Id is slowed down after
 * failures exactly as an existing one is.
 */
class CmppPreLoginTest {

   @TempDir
   Path dir;

   @Test
   void aPduLongerThanAConnectBeforeTheConnectClosesTheConnectionAtOnceAndIsLoggedOncePerAddress() throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, "").start(); LogCapture log = LogCapture.start()) {
         for (int i = 0; i < 3; i++) {
            try (RawCmppClient client = new RawCmppClient("127.0.0.21", broker.port())) {
               // The header of an 8,000-byte CONNECT, within cmppMaxPduSize but 200 times a CONNECT's 39 bytes.
               client.sendBytes(ByteBuffer.allocate(12).putInt(8_000).putInt(CmppCommandId.CONNECT).putInt(1).array());
               assertTrue(client.closedByServer(10_000), "closed at its header, not buffered until the 30 s CONNECT timeout");
            }
         }
         assertEquals(1, log.count("WARN", "127.0.0.21", "before login"), "one line for the address, the others counted");
         try (RawCmppClient sp = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, sp.connect("901234", "secret", 0x30).status(), "a CONNECT is taken as ever");
            sp.send(RawCmppClient.ascii(sp.nextSequence(), "901234", "a".repeat(140), "13800138000"));
            assertEquals(CmppResult.OK, assertInstanceOf(io.smsgw.cmpp.codec.SubmitResp.class, sp.read()).result(),
                         "a SUBMIT over the cap before the CONNECT is taken once connected");
         }
      }
   }

   @Test
   void aSourceAddrWithLineBreaksReachesTheLogEscaped() throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, "").start(); LogCapture log = LogCapture.start()) {
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, client.connect("\r\nGone", "x", 0x30).status());
         }
         Wait.until("the refusal logged", java.time.Duration.ofSeconds(10), () -> log.count("Refused CONNECT") == 1);
         assertFalse(log.lines().stream().anyMatch(l -> l.startsWith("Gone")), "no line of the client's making");
         assertTrue(log.count("Refused CONNECT", "\\r\\nGone") == 1, "the line breaks written out");
      }
   }

   /** As in SmppPreBindTest: each CONNECT from another address, so only the SP_Id's count can delay the third. */
   @Test
   void anUnknownSpIdIsSlowedDownAfterTheLimitAsAnExistingOneIs() throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, ";cmppAuthFailureLimit=2;cmppAuthFailureWindow=30s;cmppAuthFailureDelay=1s").start()) {
         for (String spId : new String[] {"901234", "999999"}) {
            String network = spId.equals("999999") ? "127.0.1." : "127.0.2.";
            for (int i = 1; i <= 2; i++) {
               try (RawCmppClient prober = new RawCmppClient(network + i, broker.port())) {
                  assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, prober.connect(spId, "guess" + i, 0x30).status(),
                               spId + ": failure " + i + " answered at once");
               }
            }
            try (RawCmppClient third = new RawCmppClient(network + 3, broker.port())) {
               third.sendConnect(spId, "guess3", 0x30);
               assertNull(third.read(300), spId + ": the third failure, from a third address, comes after the id's penalty");
               assertEquals(CmppResult.CONNECT_AUTHENTICATION_ERROR, assertInstanceOf(ConnectResp.class, third.read()).status());
            }
         }
      }
   }
}
