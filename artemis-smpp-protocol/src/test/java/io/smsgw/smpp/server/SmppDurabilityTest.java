package io.smsgw.smpp.server;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durability promise: every submit answered ESME_ROK is still there after the broker restarts. */
class SmppDurabilityTest {

   @TempDir
   Path dataDir;

   @Test
   void acknowledgedSubmitsSurviveABrokerRestart() throws Exception {
      int count = 200;
      Set<String> acknowledged = new HashSet<>();
      try (TestBroker broker = TestBroker.smpp(dataDir, "").start()) {
         SMPPSession session = new SMPPSession();
         session.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
         session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_TX, "smppclient1", "password", "",
            TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
         try {
            for (int i = 0; i < count; i++) {
               String id = session.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
                  TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "86138" + (10_000_000 + i), new ESMClass(), (byte) 0,
                  (byte) 1, null, null, new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT), (byte) 0,
                  new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, ("durable " + i).getBytes(StandardCharsets.US_ASCII)).getMessageId();
               acknowledged.add(id);
            }
         } finally {
            session.unbindAndClose();
         }
         assertEquals(count, acknowledged.size(), "ids are unique");
      }

      try (TestBroker restarted = TestBroker.smpp(dataDir, "").start()) {
         assertEquals(count, restarted.messageCount(SmsAddresses.MT));
         try (Connection jms = new ActiveMQConnectionFactory(restarted.coreUrl()).createConnection()) {
            jms.start();
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.MT));
            Set<String> found = new HashSet<>();
            for (int i = 0; i < count; i++) {
               TextMessage message = (TextMessage) consumer.receive(10_000);
               assertNotNull(message, "message " + i + " after restart");
               assertTrue(message.getText().startsWith("durable "));
               found.add(message.getStringProperty("smsId"));
            }
            assertEquals(acknowledged, found);
         }
      }
   }
}
