package io.smsgw.cmpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.id.CmppMsgId;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.junit.EmbeddedActiveMQExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an SP's SUBMIT may charge and how much of its rate it takes, on a real broker with the project's codec:
 * Fee_UserType 3 may name only the recipient unless the account allows third-party billing, and the rate counts
 * SMS parts, as for SMPP. Each account of these tests (test sms-gateway.conf) is used by one test only.
 */
class CmppAccountLimitsTest {

   @RegisterExtension
   static final EmbeddedActiveMQExtension server = new EmbeddedActiveMQExtension(
      TestBroker.configuration(TestBroker.tempDataDir(), "CMPP", ";cmppWindowSize=2"));
   static TestBroker broker;
   static Connection jms;

   /** Fee_UserType: charge the number in Fee_terminal_Id. */
   private static final int CHARGE_FEE_TERMINAL = 3;
   private static final int CHARGE_SP = 2;

   @BeforeAll
   static void start() throws Exception {
      broker = TestBroker.wrap(server.getServer(), "CMPP");
      jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
      jms.start();
   }

   @AfterAll
   static void stop() throws Exception {
      jms.close();
   }

   private static RawCmppClient connected(String spId, String secret) throws Exception {
      RawCmppClient client = new RawCmppClient(broker.port());
      assertEquals(CmppResult.CONNECT_OK, client.connect(spId, secret, 0x30).status());
      return client;
   }

   private static Submit charging(int sequence, String spId, String srcId, int feeUserType, String feeTerminalId,
                                  String... recipients) {
      return new Submit(sequence, 0L, 1, 1, 1, 0, "TEST", feeUserType, feeTerminalId, 0, 0, 0, 0, spId, "02", "000010",
                        "", "", srcId, List.of(recipients), 0, "fee".getBytes(StandardCharsets.US_ASCII), "", "");
   }

   private static int result(RawCmppClient client) throws Exception {
      return assertInstanceOf(SubmitResp.class, client.read()).result();
   }

   private static TextMessage receiveMt(long msgId) throws JMSException {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.MT),
                                                             "smsId = '" + CmppMsgId.toHex(msgId) + "'")) {
         return (TextMessage) consumer.receive(10_000);
      }
   }

   private static int storedFor(String... recipients) throws JMSException {
      String selector = "smsDestination IN ('" + String.join("','", recipients) + "')";
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           jakarta.jms.QueueBrowser browser = session.createBrowser(session.createQueue(SmsAddresses.MT), selector)) {
         return java.util.Collections.list(browser.getEnumeration()).size();
      }
   }

   @Test
   void anSpMayChargeOnlyTheRecipientUnlessItsAccountAllowsThirdPartyBilling() throws Exception {
      try (RawCmppClient client = connected("901234", "secret")) {
         client.send(charging(client.nextSequence(), "901234", "1065712345", CHARGE_FEE_TERMINAL, "13900139000", "13800138100"));
         assertEquals(CmppResult.FEE_TERMINAL_ID_ERROR, result(client), "charging a handset that is not the recipient");
         client.send(charging(client.nextSequence(), "901234", "1065712345", CHARGE_FEE_TERMINAL, "", "13800138101"));
         assertEquals(CmppResult.FEE_TERMINAL_ID_ERROR, result(client), "charging no number at all");
         client.send(charging(client.nextSequence(), "901234", "1065712345", CHARGE_FEE_TERMINAL, "13800138102",
                              "13800138102", "13800138103"));
         assertEquals(CmppResult.FEE_TERMINAL_ID_ERROR, result(client), "a group send charging one recipient for all");

         client.send(charging(client.nextSequence(), "901234", "1065712345", CHARGE_FEE_TERMINAL, "8613800138104", "13800138104"));
         SubmitResp recipientPays = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, recipientPays.result(), "charging the recipient, written with 86");
         TextMessage mt = receiveMt(recipientPays.msgId());
         assertNotNull(mt);
         assertEquals(CHARGE_FEE_TERMINAL, mt.getIntProperty("smsFeeUserType"));
         assertEquals("8613800138104", mt.getStringProperty("smsFeeTerminal"));

         client.send(charging(client.nextSequence(), "901234", "1065712345", CHARGE_SP, "13900139000", "13800138105"));
         assertEquals(CmppResult.OK, result(client), "Fee_UserType 2 charges the SP, whatever Fee_terminal_Id says");
      }
      assertEquals(0, storedFor("13800138100", "13800138101", "13800138102", "13800138103"), "nothing of the refused submits");

      try (RawCmppClient client = connected("901238", "secret8")) {
         client.send(charging(client.nextSequence(), "901238", "1065788", CHARGE_FEE_TERMINAL, "13900139000", "13800138106"));
         SubmitResp thirdParty = assertInstanceOf(SubmitResp.class, client.read());
         assertEquals(CmppResult.OK, thirdParty.result(), "third-party-billing = true");
         assertEquals("13900139000", receiveMt(thirdParty.msgId()).getStringProperty("smsFeeTerminal"));
      }
   }

   /** 159 ASCII characters GSM cannot carry (the backquote): stored as text, sent upstream as UCS2 in 3 parts. */
   private static final byte[] THREE_PARTS = ("`" + "x".repeat(158)).getBytes(StandardCharsets.US_ASCII);

   @Test
   void theRateCountsSmsPartsAsForSmpp() throws Exception {
      try (RawCmppClient client = connected("901239", "secret9")) {
         client.send(RawCmppClient.submit(client.nextSequence(), "901239", "1065789", "TEST", 0, THREE_PARTS,
                                          "13800138110", "13800138111"));
         assertEquals(CmppResult.FLOW_CONTROL_ERROR, result(client), "2 recipients of 3 parts each, 3 parts a second allowed");
         client.send(RawCmppClient.submit(client.nextSequence(), "901239", "1065789", "TEST", 0, THREE_PARTS, "13800138112"));
         assertEquals(CmppResult.OK, result(client), "3 parts fit, and the refused SUBMIT took none of the rate");
      }
   }

   @Test
   void contentLongerThanTheAccountsMaxMessagePartsIsRefusedAsTooLong() throws Exception {
      try (RawCmppClient client = connected("901240", "secret0")) {
         client.send(RawCmppClient.submit(client.nextSequence(), "901240", "1065780", "TEST", 0, THREE_PARTS, "13800138120"));
         assertEquals(CmppResult.MESSAGE_TOO_LONG, result(client), "3 parts, max-message-parts = 2");
         client.send(RawCmppClient.submit(client.nextSequence(), "901240", "1065780", "TEST", 0,
                                          "x".repeat(159).getBytes(StandardCharsets.US_ASCII), "13800138121"));
         assertEquals(CmppResult.OK, result(client), "159 GSM characters are one SMS");
      }
   }

   @Test
   void cancelTakesARatePermitAndOneBeyondTheRateWaitsForItInsteadOfBeingRefused() throws Exception {
      int cancels = 6;
      io.smsgw.cmpp.codec.CmppPdu[] requests = new io.smsgw.cmpp.codec.CmppPdu[cancels + 1];
      try (RawCmppClient client = connected("901245", "secret45")) {
         for (int i = 0; i < cancels; i++) {
            requests[i] = new io.smsgw.cmpp.codec.Cancel(client.nextSequence(), 0x7fff_0000_0000_0000L + i);
         }
         int submit = client.nextSequence();
         requests[cancels] = RawCmppClient.submit(submit, "901245", "1065745", "TEST", 0,
                                                  "after the cancels".getBytes(StandardCharsets.US_ASCII), "13800138120");
         // All in one write: read within far less than a second, by an account allowed 3 a second.
         client.sendTogether(requests);
         List<Integer> cancelAnswers = new java.util.ArrayList<>();
         int submitResult = -1;
         for (int i = 0; i < requests.length; i++) {
            io.smsgw.cmpp.codec.CmppPdu answer = client.read();
            if (answer instanceof io.smsgw.cmpp.codec.CancelResp cancel) {
               assertEquals(CmppResult.CANCEL_FAILURE, cancel.successId(), "no such message");
               cancelAnswers.add(cancel.sequenceId());
            } else {
               submitResult = assertInstanceOf(SubmitResp.class, answer).result();
            }
         }
         assertEquals(CmppResult.FLOW_CONTROL_ERROR, submitResult,
                      "the CANCELs before it took the account's rate, so the SUBMIT is over it");
         List<Integer> expected = new java.util.ArrayList<>();
         for (int i = 0; i < cancels; i++) {
            expected.add(requests[i] instanceof io.smsgw.cmpp.codec.Cancel c ? c.sequenceId() : -1);
         }
         assertEquals(expected, cancelAnswers, "every CANCEL answered, in order, those over the rate when a permit came");
      }
      assertEquals(0, storedFor("13800138120"));
   }

   @Test
   void afterAReloadCancelsAndSubmitsOfAnOpenConnectionStillShareOneRate() throws Exception {
      try (RawCmppClient client = connected("901246", "secret46")) {
         // A reload while the SP stays connected (the same file again: the account's rate stays 3 a second).
         GatewayRuntime runtime = GatewayRuntime.of(broker.server());
         runtime.configure(runtime.config());
         int cancels = 3;
         io.smsgw.cmpp.codec.CmppPdu[] requests = new io.smsgw.cmpp.codec.CmppPdu[cancels + 1];
         for (int i = 0; i < cancels; i++) {
            requests[i] = new io.smsgw.cmpp.codec.Cancel(client.nextSequence(), 0x7ffe_0000_0000_0000L + i);
         }
         requests[cancels] = RawCmppClient.submit(client.nextSequence(), "901246", "1065746", "TEST", 0,
                                                  "after a reload".getBytes(StandardCharsets.US_ASCII), "13800138130");
         // All in one write, read within far less than a second: the 3 CANCELs take the second's 3 permits.
         client.sendTogether(requests);
         int submitResult = -1;
         for (int i = 0; i < requests.length; i++) {
            io.smsgw.cmpp.codec.CmppPdu answer = client.read();
            if (answer instanceof io.smsgw.cmpp.codec.CancelResp cancel) {
               assertEquals(CmppResult.CANCEL_FAILURE, cancel.successId(), "no such message");
            } else {
               submitResult = assertInstanceOf(SubmitResp.class, answer).result();
            }
         }
         assertEquals(CmppResult.FLOW_CONTROL_ERROR, submitResult,
                      "the SUBMIT draws on the rate the CANCELs used up, not on one of its own from before the reload");
      }
      assertEquals(0, storedFor("13800138130"));
   }
}
