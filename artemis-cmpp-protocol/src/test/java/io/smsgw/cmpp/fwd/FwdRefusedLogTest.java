package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.FwdResp;
import io.smsgw.cmpp.gns.CmppSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a peer writes into FWD fields reaches gateway A's log escaped and rate-limited: 100 FWDs whose Valid_Time carries
 * CR LF and the start of a forged line give one INFO line with the text escaped, and all 100 are counted.
 */
class FwdRefusedLogTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final String FORGED = "\r\nBound TRANSMI";

   @TempDir
   Path dir;

   private static Fwd mtWithValidTime(int sequence, String sourceId, String validTime) {
      return new Fwd(sequence, sourceId, A, 1, Fwd.TYPE_MT, 0x100L + sequence, 1, 1, 0, 0, "HELP", 0, "", "", 0, 0, 0, 0,
                     "901234", "01", "000000", validTime, "", "10661234", "", 0, 0, List.of("13800138000"), "", 0,
                     "hi".getBytes(StandardCharsets.US_ASCII), "", "");
   }

   @Test
   void aHundredFwdsWithCrLfInValidTimeGiveOneEscapedLineAndACount() throws Exception {
      int portA = PeerBroker.freePort();
      try (ServerSocket bNeverAnswers = new ServerSocket(0);
           PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, bNeverAnswers.getLocalPort(), "");
           CmppSocket b = CmppSocket.connect(portA);
           LogCapture log = LogCapture.start()) {
         assertEquals(CmppResult.CONNECT_OK, b.login(B, "pair-secret").status());
         for (int i = 0; i < 100; i++) {
            b.send(mtWithValidTime(b.nextSequence(), B, FORGED));
         }
         for (int i = 0; i < 100; i++) {
            assertEquals(CmppResult.STRUCTURE_ERROR, assertInstanceOf(FwdResp.class, b.read()).result());
         }
         List<String> lines = log.lines("FWD from peer " + B);
         assertEquals(1, lines.size(), "one line for 100 refused FWDs: " + lines);
         assertTrue(lines.get(0).contains("Valid_Time '\\r\\nBound TRANSMI'"), lines.get(0));
         assertEquals(0, log.lines().stream().filter(line -> line.startsWith("Bound TRANSMI")).count(),
                      "no line of the peer's making");
         assertEquals(100, a.fwdLink(B).getFwdsRefused());
      }
   }

   @Test
   void wrongGatewayCodesAreEscapedAndCountedToo() throws Exception {
      int portA = PeerBroker.freePort();
      try (ServerSocket bNeverAnswers = new ServerSocket(0);
           PeerBroker a = PeerBroker.start(dir.resolve("a"), A, portA, B, bNeverAnswers.getLocalPort(), "");
           CmppSocket b = CmppSocket.connect(portA);
           LogCapture log = LogCapture.start()) {
         assertEquals(CmppResult.CONNECT_OK, b.login(B, "pair-secret").status());
         for (int i = 0; i < 20; i++) {
            b.send(mtWithValidTime(b.nextSequence(), "\r\nX", ""));
         }
         for (int i = 0; i < 20; i++) {
            assertEquals(CmppResult.FWD_WRONG_DECISION, assertInstanceOf(FwdResp.class, b.read()).result());
         }
         List<String> lines = log.lines("FWD from peer " + B);
         assertEquals(1, lines.size(), "one line for 20 misaddressed FWDs: " + lines);
         assertTrue(lines.get(0).contains("Source_Id '\\r\\nX'"), lines.get(0));
         assertEquals(20, a.fwdLink(B).getFwdsRefused());
      }
   }
}
