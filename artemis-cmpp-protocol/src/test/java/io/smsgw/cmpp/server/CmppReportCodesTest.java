package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.Arrays;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an SP reads in a status report's Stat and SMSC_sequence (CMPP 3.0 §1.7, §1.10): the SMSC's message id when it is
 * a number that fits a u32 (decimal, or hex digits as the links key such ids), else 0; and the report's network code
 * (smsNetworkCode, as the SMSC link writes MA:0000 and MC:0000) in place of the state word. Checked on the bytes of the
 * 60-octet (2.0) and 71-octet (3.0) content.
 */
class CmppReportCodesTest {

   @TempDir
   Path dir;

   @ParameterizedTest
   @ValueSource(ints = {0x20, 0x30})
   void smscSequenceCarriesANumericSmscIdAndStatTheNetworkCode(int versionByte) throws Exception {
      CmppVersion version = CmppVersion.fromByte(versionByte);
      try (TestBroker broker = TestBroker.cmpp(dir, "").start();
           RawCmppClient client = new RawCmppClient(broker.port());
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         assertEquals(CmppResult.CONNECT_OK, client.connect("901234", "secret", versionByte).status());
         String[][] reports = {
            // smsSmscMessageId, smsStatus, smsNetworkCode, SMSC_sequence expected, Stat expected
            {"3000000000", "DELIVRD", null, "3000000000", "DELIVRD"},  // decimal, over 2^31
            {"a1b", "UNDELIV", null, Long.toString(0xa1b), "UNDELIV"}, // hex digits (an as-given link's key)
            {"4294967296", "DELIVRD", null, "0", "DELIVRD"},             // decimal over a u32
            {"1a2b3c4d5", "DELIVRD", null, "0", "DELIVRD"},              // hex over a u32
            {"msg-7", "DELIVRD", null, "0", "DELIVRD"},                  // no number
            {"42", "UNKNOWN", "MA:0000", "42", "MA:0000"},               // the SMSC never answered
            {"43", "EXPIRED", "MC:0000", "43", "MC:0000"},               // no receipt came
         };
         for (String[] r : reports) {
            client.send(RawCmppClient.ascii(client.nextSequence(), "901234", "Report me", "13800138005"));
            SubmitResp resp = assertInstanceOf(SubmitResp.class, client.read());
            try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue("901234")))) {
               Message report = session.createTextMessage("");
               report.setStringProperty("smsKind", "DR");
               report.setStringProperty("smsId", CmppMsgId.toHex(resp.msgId()));
               report.setStringProperty("smsStatus", r[1]);
               report.setStringProperty("smsSmscMessageId", r[0]);
               if (r[2] != null) {
                  report.setStringProperty("smsNetworkCode", r[2]);
               }
               report.setStringProperty("smsSource", "13800138005");
               report.setStringProperty("smsDestination", "1065712345");
               producer.send(report);
            }
            Deliver deliver = assertInstanceOf(Deliver.class, client.read());
            byte[] content = deliver.msgContent();
            assertEquals(version == CmppVersion.V20 ? 60 : 71, content.length);
            int at = content.length - 4; // after Msg_Id 8, Stat 7, two times 10 and Dest_terminal_Id 21 / 32
            long sequence = ((content[at] & 0xFFL) << 24) | ((content[at + 1] & 0xFF) << 16) | ((content[at + 2] & 0xFF) << 8)
                            | (content[at + 3] & 0xFF);
            assertEquals(Long.parseLong(r[3]), sequence, "SMSC_sequence for SMSC id " + r[0] + ": " + Arrays.toString(content));
            assertEquals(r[4], new String(content, 8, 7, java.nio.charset.StandardCharsets.US_ASCII), "Stat for " + r[0]);
            StatusReport parsed = StatusReport.parse(content, version).orElseThrow();
            assertEquals(resp.msgId(), parsed.msgId());
            client.send(new DeliverResp(deliver.sequenceId(), deliver.msgId(), CmppResult.OK));
         }
      }
   }
}
