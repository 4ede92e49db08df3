package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.SubmitResp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CMPP's Src_Id is the SP's service code or a longer number starting with it: an SP account that lists no
 * source-prefixes may submit only from the service numbers of its MO routes (decision 134), so it can no longer send
 * as another SP (whose handsets' replies would then reach that SP). Listed source-prefixes decide as before, and an
 * SP with no MO route is left as it was (named in the load's WARN).
 */
class CmppSourceDefaultTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private static int submit(RawCmppClient sp, String spId, String srcId) throws Exception {
      sp.send(RawCmppClient.submit(sp.nextSequence(), spId, srcId, "TEST", 0, "hi".getBytes(StandardCharsets.US_ASCII),
                                   "13800138000"));
      return assertInstanceOf(SubmitResp.class, sp.read()).result();
   }

   @Test
   void anSpWithoutSourcePrefixesSubmitsOnlyFromItsOwnServiceNumbers() throws Exception {
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           "901250" { password = "secret50", protocols = [CMPP] }
           "901251" { password = "secret51", protocols = [CMPP], source-prefixes = ["1065751", "95551"] }
           "901252" { password = "secret52", protocols = [CMPP] }
         }
         routes { mo = [
           { prefix = "1065750", account = "901250" }
           { prefix = "1065751", account = "901251" }
         ] }
         """);
      System.setProperty("smsgw.config", file.toString());
      try (TestBroker broker = TestBroker.cmpp(dir, "").start()) {
         try (RawCmppClient sp = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, sp.connect("901250", "secret50", 0x30).status());
            assertEquals(CmppResult.OK, submit(sp, "901250", "1065750"), "its service number");
            assertEquals(CmppResult.OK, submit(sp, "901250", "10657501234"), "its service number with an extension");
            assertEquals(CmppResult.SRC_ID_ERROR, submit(sp, "901250", "1065751"), "another SP's service number");
            assertEquals(CmppResult.SRC_ID_ERROR, submit(sp, "901250", "13800138999"), "a handset's number");
         }
         try (RawCmppClient sp = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, sp.connect("901251", "secret51", 0x20).status());
            assertEquals(CmppResult.OK, submit(sp, "901251", "95551"), "listed source-prefixes decide, as before");
            assertEquals(CmppResult.SRC_ID_ERROR, submit(sp, "901251", "1065750"));
         }
         try (RawCmppClient sp = new RawCmppClient(broker.port())) {
            assertEquals(CmppResult.CONNECT_OK, sp.connect("901252", "secret52", 0x30).status());
            assertEquals(CmppResult.OK, submit(sp, "901252", "1065750"), "an SP without MO routes is left as it was");
         }
         // The queue counts a stored message a moment after the journal's answer.
         Wait.until("the four accepted submits on sms.mt", java.time.Duration.ofSeconds(10),
                    () -> broker.messageCount("sms.mt") == 4);
      }
   }
}
