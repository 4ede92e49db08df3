package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.SmppCommandId;
import io.smsgw.smpp.codec.SmppStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an unauthenticated SMPP connection can make the gateway buffer and log (decision 130): PDUs before the bind are
 * capped at a bind's size, the bind's strings at the spec's lengths, what reaches the log is escaped and cut, and an
 * unknown system_id is slowed down after failures exactly as an existing one is.
 */
class SmppPreBindTest {

   @TempDir
   Path dir;

   /** A bind_transmitter written byte by byte, so its strings may be as long as an attacker likes. */
   private static byte[] rawBind(String systemId, String password) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(systemId.getBytes(StandardCharsets.ISO_8859_1));
      body.write(0);
      body.writeBytes(password.getBytes(StandardCharsets.ISO_8859_1));
      body.write(0);
      body.write(0); // system_type
      body.write(0x34);
      body.write(0);
      body.write(0);
      body.write(0); // address_range
      byte[] b = body.toByteArray();
      java.nio.ByteBuffer pdu = java.nio.ByteBuffer.allocate(16 + b.length);
      pdu.putInt(16 + b.length).putInt(SmppCommandId.BIND_TRANSMITTER).putInt(0).putInt(1).put(b);
      return pdu.array();
   }

   private static int answer(RawSmppClient client) throws Exception {
      return assertInstanceOf(BindResponse.class, client.read()).commandStatus();
   }

   @Test
   void aPduLongerThanABindBeforeTheBindClosesTheConnectionAtOnceAndIsLoggedOncePerAddress() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start(); LogCapture log = LogCapture.start()) {
         for (int i = 0; i < 3; i++) {
            try (RawSmppClient client = new RawSmppClient("127.0.0.21", broker.port())) {
               // The 60,141-byte bind of the finding: its header and a first part of its system_id.
               byte[] bind = rawBind("A".repeat(60_116), "x");
               client.sendBytes(java.util.Arrays.copyOf(bind, 4_096));
               assertTrue(client.closedByServer(10_000), "closed at its header, not buffered until the 30 s bind timeout");
            }
         }
         assertEquals(1, log.count("WARN", "127.0.0.21", "before login"), "one line for the address, the others counted");
         try (RawSmppClient esme = new RawSmppClient(broker.port())) {
            esme.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
            assertEquals(SmppStatus.ESME_ROK, answer(esme), "a bind of the spec's size is taken as ever");
            // 600 characters in message_payload: a PDU over the cap before the bind, taken once bound.
            esme.send(io.smsgw.smpp.codec.ShortMessagePdu.builder().sequenceNumber(2)
                         .sourceAddr(new io.smsgw.smpp.codec.Address((byte) 1, (byte) 1, "8610086"))
                         .destinationAddr(new io.smsgw.smpp.codec.Address((byte) 1, (byte) 1, "8613800138000"))
                         .tlvs(io.smsgw.smpp.codec.Tlvs.builder().add(io.smsgw.smpp.codec.TlvTag.MESSAGE_PAYLOAD,
                                                                      "a".repeat(600).getBytes(StandardCharsets.US_ASCII)).build())
                         .buildSubmitSm());
            assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(io.smsgw.smpp.codec.SubmitSmResp.class, esme.read()).commandStatus());
         }
      }
   }

   @Test
   void anOverlongSystemIdWithLineBreaksIsRefusedAndReachesTheLogEscapedAndCut() throws Exception {
      String forged = "\r\n[main] INFO io.smsgw.smpp.server.SmppSession - Bound TRANSMITTER system_id 'admin'";
      try (TestBroker broker = TestBroker.smpp(dir, "").start(); LogCapture log = LogCapture.start()) {
         try (RawSmppClient client = new RawSmppClient(broker.port())) {
            client.sendBytes(rawBind(forged + "x".repeat(300), "password"));
            assertEquals(SmppStatus.ESME_RBINDFAIL, answer(client));
            assertTrue(client.closedByServer(10_000));
         }
         try (RawSmppClient client = new RawSmppClient(broker.port())) {
            client.sendBytes(rawBind("smppclient1", "password1"));
            assertEquals(SmppStatus.ESME_RBINDFAIL, answer(client), "a password over 8 characters is refused unchecked");
         }
         io.smsgw.broker.testing.Wait.until("both refusals logged", java.time.Duration.ofSeconds(10),
                                            () -> log.count("Refused bind_transmitter") == 2);
         assertFalse(log.lines().stream().anyMatch(l -> l.startsWith("[main] INFO") || l.contains("Bound TRANSMITTER system_id 'admin'")),
                     "no line of the client's making");
         String refusal = log.lines("Refused bind_transmitter", "system_id of").get(0);
         assertTrue(refusal.contains("\\r\\n[main] INFO"), "the line breaks written out: " + refusal);
         assertTrue(refusal.length() < 400, "cut, not 400 characters: " + refusal);
         assertEquals(1, log.count("Refused bind_transmitter", "'smppclient1'", "password of 9 characters, over 8"));
      }
   }

   /**
    * Decision 96 answers an unknown system_id as a wrong password, but only an existing account's failures were
    * counted: after the limit its refusals came late while an unknown id's still came at once, which told a prober
    * from many addresses which ids exist. Each bind comes from another address, so only the id's count can matter.
    */
   @Test
   void anUnknownSystemIdIsSlowedDownAfterTheLimitAsAnExistingOneIs() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, ";smppAuthFailureLimit=2;smppAuthFailureWindow=30s;smppAuthFailureDelay=1s").start()) {
         for (String systemId : new String[] {"smppclient1", "nosuchid"}) {
            String network = systemId.equals("nosuchid") ? "127.0.1." : "127.0.2.";
            for (int i = 1; i <= 2; i++) {
               try (RawSmppClient prober = new RawSmppClient(network + i, broker.port())) {
                  prober.send(new BindRequest(1, BindType.TRANSMITTER, systemId, "guess" + i, "", 0x34, 0, 0, ""));
                  assertEquals(SmppStatus.ESME_RBINDFAIL, answer(prober), systemId + ": failure " + i + " answered at once");
               }
            }
            try (RawSmppClient third = new RawSmppClient(network + 3, broker.port())) {
               third.send(new BindRequest(1, BindType.TRANSMITTER, systemId, "guess3", "", 0x34, 0, 0, ""));
               assertNull(third.read(300), systemId + ": the third failure, from a third address, comes after the id's penalty");
               assertEquals(SmppStatus.ESME_RBINDFAIL, answer(third));
            }
         }
      }
   }
}
