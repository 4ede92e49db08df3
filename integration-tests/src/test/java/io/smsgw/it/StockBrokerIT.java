package io.smsgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.examples.SendFirstCmpp;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The gateway installed into the stock Apache Artemis distribution, as an admin would do it: an
 * ESME submits over SMPP or an SP over CMPP 3.0, applications read the SMS from {@code sms.mt} over
 * CORE (Artemis JMS) and AMQP (Qpid JMS).
 */
class StockBrokerIT {

   private static final String SYSTEM_ID = "smppclient1";
   private static final String PASSWORD = "password";
   private static final String SOURCE = "12345";
   private static final String DESTINATION = "8613800138000";
   private static final String TEXT = "Hello stock broker";
   private static final String CMPP_TEXT = "Hello stock broker over CMPP";
   private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
   private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(10);
   private static final long SMPP_TIMEOUT_MILLIS = 10_000;
   private static final List<String> CHECKED_PROPERTIES = Stream.of(
         SmsProperties.ID, SmsProperties.KIND, SmsProperties.PROTOCOL, SmsProperties.ACCOUNT, SmsProperties.SOURCE,
         SmsProperties.DESTINATION, SmsProperties.SERVICE_ID)
      .map(SimpleString::toString).toList();

   private static StockBroker broker;

   /** Shows the broker's log next to any failing test. */
   @RegisterExtension
   static final TestWatcher PRINT_BROKER_LOG_ON_FAILURE = new TestWatcher() {
      @Override
      public void testFailed(ExtensionContext context, Throwable cause) {
         printBrokerLog();
      }
   };

   @BeforeAll
   static void startStockBroker() throws Exception {
      broker = StockBroker.create(Path.of(requiredProperty("artemis.home")), Path.of(requiredProperty("smsgw.work.dir")),
                                  Path.of(requiredProperty("smsgw.plugins.dir")), Path.of(requiredProperty("smsgw.etc")));
      try {
         broker.start(START_TIMEOUT);
      } catch (Exception | AssertionError e) {
         printBrokerLog();
         throw e;
      }
   }

   @AfterAll
   static void stopStockBroker() throws Exception {
      if (broker != null) {
         broker.close();
      }
   }

   @Test
   void smppSubmitIsReadableWithArtemisJms() throws Exception {
      String messageId = submitOverSmpp();
      assertIsTheSubmittedSms(receiveWithArtemisJms(), smppSms(messageId));
   }

   @Test
   void smppSubmitIsReadableWithQpidJmsOverAmqp() throws Exception {
      String messageId = submitOverSmpp();
      assertIsTheSubmittedSms(receiveWithQpidJms(), smppSms(messageId));
   }

   @Test
   void cmppSubmitIsReadableWithArtemisJms() throws Exception {
      String msgId = SendFirstCmpp.submit("127.0.0.1", broker.cmppPort(), CMPP_TEXT, DESTINATION);
      assertIsTheSubmittedSms(receiveWithArtemisJms(), cmppSms(msgId));
   }

   @Test
   void cmppSubmitIsReadableWithQpidJmsOverAmqp() throws Exception {
      String msgId = SendFirstCmpp.submit("127.0.0.1", broker.cmppPort(), CMPP_TEXT, DESTINATION);
      assertIsTheSubmittedSms(receiveWithQpidJms(), cmppSms(msgId));
   }

   /** Binds as smppclient1 (SMPP 3.4 transmitter), submits one SMS and returns the id from submit_sm_resp. */
   private static String submitOverSmpp() throws Exception {
      SMPPSession session = new SMPPSession();
      session.setTransactionTimer(SMPP_TIMEOUT_MILLIS);
      try {
         session.connectAndBind("127.0.0.1", broker.smppPort(),
                                new BindParameter(BindType.BIND_TX, SYSTEM_ID, PASSWORD, "", TypeOfNumber.UNKNOWN,
                                                  NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34),
                                SMPP_TIMEOUT_MILLIS);
         String messageId = session.submitShortMessage("",
                                                       TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, SOURCE,
                                                       TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, DESTINATION,
                                                       new ESMClass(), (byte) 0, (byte) 1, null, null,
                                                       new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT), (byte) 0,
                                                       DataCodings.ZERO, (byte) 0, TEXT.getBytes(StandardCharsets.US_ASCII))
            .getMessageId();
         assertFalse(messageId == null || messageId.isEmpty(), "submit_sm_resp carries a message id");
         return messageId;
      } finally {
         session.unbindAndClose();
      }
   }

   /** The text and the contract properties of one message, as an application reads them. */
   private record ReceivedSms(String text, Map<String, String> properties) {
   }

   /** The SMPP submit of {@link #submitOverSmpp()}, as applications must see it. */
   private static ReceivedSms smppSms(String messageId) {
      return expected(TEXT, messageId, "SMPP", SYSTEM_ID, SOURCE, null);
   }

   /** The CMPP submit of {@link SendFirstCmpp} (the README's CMPP client), as applications must see it. */
   private static ReceivedSms cmppSms(String msgId) {
      return expected(CMPP_TEXT, msgId, "CMPP", SendFirstCmpp.SP_ID, SendFirstCmpp.SOURCE, SendFirstCmpp.SERVICE_ID);
   }

   private static ReceivedSms expected(String text, String id, String protocol, String account, String source, String serviceId) {
      Map<String, String> properties = new HashMap<>();
      properties.put(SmsProperties.ID.toString(), id);
      properties.put(SmsProperties.KIND.toString(), "MT");
      properties.put(SmsProperties.PROTOCOL.toString(), protocol);
      properties.put(SmsProperties.ACCOUNT.toString(), account);
      properties.put(SmsProperties.SOURCE.toString(), source);
      properties.put(SmsProperties.DESTINATION.toString(), DESTINATION);
      properties.put(SmsProperties.SERVICE_ID.toString(), serviceId);
      return new ReceivedSms(text, properties);
   }

   /** Takes the next message from sms.mt with the Artemis Jakarta JMS client (CORE protocol). */
   private static ReceivedSms receiveWithArtemisJms() throws Exception {
      try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + broker.corePort());
           JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
           JMSConsumer consumer = context.createConsumer(context.createQueue(SmsAddresses.MT))) {
         jakarta.jms.Message message = consumer.receive(RECEIVE_TIMEOUT.toMillis());
         assertNotNull(message, "a message on " + SmsAddresses.MT + " within " + RECEIVE_TIMEOUT);
         jakarta.jms.TextMessage text = assertInstanceOf(jakarta.jms.TextMessage.class, message, "text SMS arrive as a text body");
         Map<String, String> properties = new HashMap<>();
         for (String name : CHECKED_PROPERTIES) {
            properties.put(name, message.getStringProperty(name));
         }
         return new ReceivedSms(text.getText(), properties);
      }
   }

   /** Takes the next message from sms.mt with Qpid JMS (AMQP 1.0). */
   private static ReceivedSms receiveWithQpidJms() throws Exception {
      javax.jms.ConnectionFactory factory = new JmsConnectionFactory("amqp://127.0.0.1:" + broker.corePort());
      try (javax.jms.JMSContext context = factory.createContext(javax.jms.JMSContext.AUTO_ACKNOWLEDGE);
           javax.jms.JMSConsumer consumer = context.createConsumer(context.createQueue(SmsAddresses.MT))) {
         javax.jms.Message message = consumer.receive(RECEIVE_TIMEOUT.toMillis());
         assertNotNull(message, "a message on " + SmsAddresses.MT + " within " + RECEIVE_TIMEOUT);
         javax.jms.TextMessage text = assertInstanceOf(javax.jms.TextMessage.class, message, "text SMS arrive as an AMQP string");
         Map<String, String> properties = new HashMap<>();
         for (String name : CHECKED_PROPERTIES) {
            properties.put(name, message.getStringProperty(name));
         }
         return new ReceivedSms(text.getText(), properties);
      }
   }

   /** The queue held only the message this test submitted, so it must be that one, intact. */
   private static void assertIsTheSubmittedSms(ReceivedSms sms, ReceivedSms expected) {
      assertEquals(expected.text(), sms.text());
      assertEquals(expected.properties(), sms.properties());
   }

   private static String requiredProperty(String name) {
      String value = System.getProperty(name);
      if (value == null) {
         throw new IllegalStateException("System property " + name + " is not set (run through mvn verify)");
      }
      return value;
   }

   private static void printBrokerLog() {
      if (broker != null) {
         System.out.println("===== broker log " + broker.logFile() + " =====");
         System.out.println(broker.log());
         System.out.println("===== end of broker log =====");
      }
   }
}
