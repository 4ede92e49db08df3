package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Duration;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.SubmitResp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SP that keeps its connection and sends malformed PDUs at full speed (the 3.0 layout on a 2.0 connection) gets each
 * one refused, but no longer writes a log line per PDU: one when the first arrives, then a count.
 */
class CmppMalformedPduLogTest {

   private static final int MALFORMED = 50;

   @Test
   void aStreamOfMalformedSubmitsLeavesTheFirstAndACountInTheLog(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.cmpp(dir, "").start(); LogCapture log = LogCapture.start()) {
         String address;
         try (RawCmppClient client = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", 0x20).status());
            address = client.localAddress().toString();
            for (int i = 0; i < MALFORMED; i++) {
               int sequence = client.nextSequence();
               client.sendBytes(RawCmppClient.encode(RawCmppClient.ascii(sequence, "901234", "wrong layout", "13800138092"),
                                                     CmppVersion.V30));
               SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
               assertEquals(CmppResult.MESSAGE_LENGTH_ERROR, resp.result(), "each one is still refused");
            }
            assertEquals(1, log.count("alformed", "'901234'"), "one line for the first, not one per SUBMIT");
            assertEquals(1, log.count("alformed", address), () -> "it names the connection: " + log.lines(address));
            assertEquals(1, log.count("Malformed CMPP_SUBMIT from '901234' (" + address + ")", "counted"), () -> log.lines(address).toString());
         }
         Wait.until("the count once the connection closed", Duration.ofSeconds(10),
                    () -> log.count((MALFORMED - 1) + " more malformed PDU(s) from '901234' (" + address + ")",
                                    "until the connection closed", "CMPP_SUBMIT") == 1);
         assertEquals(2, log.count("alformed", address), () -> log.lines(address).toString());
      }
   }
}
