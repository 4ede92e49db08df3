package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MO keeps the handset's TP-PID on its way to an ESME: smsProtocolId (an SMSC link's deliver_sm protocol_id, a CMPP
 * TP_pid) goes out as deliver_sm's protocol_id, as CMPP's DELIVER already carried it. Before, every deliver_sm said 0.
 */
class SmppMoProtocolIdTest {

   private static final String ESME = "smppclient1";

   @TempDir
   Path dir;

   @Test
   void anMoReachesTheEsmeWithItsProtocolId() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, ";smppEnquireLinkInterval=0").start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         SMPPSession session = new SMPPSession();
         java.util.concurrent.BlockingQueue<DeliverSm> pdus = new java.util.concurrent.LinkedBlockingQueue<>();
         session.setMessageReceiverListener(new org.jsmpp.session.MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) {
               pdus.add(deliverSm);
            }

            @Override
            public void onAcceptAlertNotification(org.jsmpp.bean.AlertNotification alertNotification) {
            }

            @Override
            public org.jsmpp.session.DataSmResult onAcceptDataSm(org.jsmpp.bean.DataSm dataSm, org.jsmpp.session.Session source) {
               return null;
            }
         });
         session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_RX, ESME, "password", "",
            TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
         try (Session jmsSession = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
              MessageProducer producer = jmsSession.createProducer(jmsSession.createQueue(SmsAddresses.accountQueue(ESME)))) {
            TextMessage mo = jmsSession.createTextMessage("replace me");
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsSource", "8613800138002");
            mo.setStringProperty("smsDestination", "8610086");
            mo.setIntProperty("smsProtocolId", 0x41); // TP-PID "replace short message type 1"
            producer.send(mo);
            DeliverSm deliverSm = pdus.poll(10, TimeUnit.SECONDS);
            assertNotNull(deliverSm, "the MO reached the ESME");
            assertEquals("replace me", new String(deliverSm.getShortMessage(), StandardCharsets.US_ASCII));
            assertEquals(0x41, deliverSm.getProtocolId() & 0xFF, "protocol_id is the MO's TP-PID");
         } finally {
            session.unbindAndClose();
         }
      }
   }
}
