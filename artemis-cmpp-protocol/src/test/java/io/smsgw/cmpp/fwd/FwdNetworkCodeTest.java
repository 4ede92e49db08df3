package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.junit.jupiter.api.Test;

/**
 * A report's CMPP network code across CMPP_FWD, for the pair 001001 → 020001: the peer's MB:0005 is stored as the state
 * it means (REJECTD: its SMSC refused the MT) with the code as smsErrorCode and smsNetworkCode, rather than as a state
 * word nobody knows (read as UNKNOWN, the reason lost); a report with a network code goes out with it as Stat, and the
 * SMSC's numeric message id as SMSC_sequence.
 */
class FwdNetworkCodeTest {

   private static final ZoneId ZONE = ZoneOffset.ofHours(8);
   private static final long NOW = LocalDateTime.of(2026, 11, 26, 9, 30).atZone(ZONE).toInstant().toEpochMilli();

   private final FwdMessageMapper outgoing = new FwdMessageMapper("001001", "020001", CmppVersion.V30, ZONE);
   private final FwdMessageMapper incoming = new FwdMessageMapper("020001", "001001", CmppVersion.V30, ZONE);

   private static SmsMessageBuilder report(String status) {
      return SmsMessageBuilder.create(1, SimpleString.of("sms.gw.020001"), SmsKind.DR).id("0123456789abcdef")
         .source("13800138000", (byte) 0, (byte) 0).destination("10661234", (byte) 0, (byte) 0)
         .string(SmsProperties.STATUS, status);
   }

   @Test
   void aPeersNetworkCodeBecomesTheStateItMeansWithTheCodeKept() throws Exception {
      SmsMessageReader back = new SmsMessageReader(incoming.toMessage(outgoing.toFwd(report("MB:0005").build(), 7), 2, NOW));
      assertEquals("REJECTD", back.string(SmsProperties.STATUS));
      assertEquals("MB:0005", back.string(SmsProperties.ERROR_CODE));
      assertEquals("MB:0005", back.string(SmsProperties.NETWORK_CODE));

      back = new SmsMessageReader(incoming.toMessage(outgoing.toFwd(report("IB:0001").build(), 7), 2, NOW));
      assertEquals("UNDELIV", back.string(SmsProperties.STATUS), "another node's code: not delivered");
      assertEquals("IB:0001", back.string(SmsProperties.ERROR_CODE));

      back = new SmsMessageReader(incoming.toMessage(outgoing.toFwd(report("DELIVRD").build(), 7), 2, NOW));
      assertEquals("DELIVRD", back.string(SmsProperties.STATUS));
      assertNull(back.string(SmsProperties.ERROR_CODE));
      assertNull(back.string(SmsProperties.NETWORK_CODE));
   }

   @Test
   void aReportWithANetworkCodeGoesOutWithItAsStatAndTheSmscIdAsSmscSequence() {
      Fwd fwd = outgoing.toFwd(report("REJECTD").string(SmsProperties.ERROR_CODE, "011")
         .string(SmsProperties.NETWORK_CODE, "MB:0011").string(SmsProperties.SMSC_MESSAGE_ID, "3000000000").build(), 7);
      StatusReport content = StatusReport.parse(fwd.msgContent(), CmppVersion.V30).orElseThrow();
      assertEquals("MB:0011", content.stat());
      assertEquals(3_000_000_000L, content.smscSequence());
   }
}
