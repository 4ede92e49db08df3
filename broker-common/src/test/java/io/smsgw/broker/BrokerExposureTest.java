package io.smsgw.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.junit.jupiter.api.Test;

/**
 * Which acceptors the start-up WARN names: with broker security off, those serving an application protocol (CORE,
 * AMQP, STOMP, MQTT, OpenWire) beyond loopback; never the dedicated SMPP and CMPP acceptors, never with security on.
 */
class BrokerExposureTest {

   private static Configuration acceptors(boolean security, String... nameAndUrl) throws Exception {
      Configuration config = new ConfigurationImpl().setSecurityEnabled(security);
      for (int i = 0; i < nameAndUrl.length; i += 2) {
         config.addAcceptorConfiguration(nameAndUrl[i], nameAndUrl[i + 1]);
      }
      return config;
   }

   @Test
   void anApplicationAcceptorOnEveryInterfaceIsNamedWhileSecurityIsOff() throws Exception {
      Configuration config = acceptors(false,
         "artemis", "tcp://0.0.0.0:61616?protocols=CORE,AMQP,STOMP,HORNETQ,MQTT,OPENWIRE",
         "smpp", "tcp://0.0.0.0:2775?protocols=SMPP",
         "cmpp", "tcp://0.0.0.0:7890?protocols=CMPP");
      assertEquals(List.of("acceptor 'artemis' (CORE,AMQP,STOMP,HORNETQ,MQTT,OPENWIRE) on 0.0.0.0:61616"),
                   BrokerExposure.exposedApplicationAcceptors(config), "SMPP and CMPP authenticate their accounts themselves");
   }

   @Test
   void oneApplicationProtocolIsEnoughAndNoProtocolListMeansAll() throws Exception {
      Configuration config = acceptors(false,
         "amqp", "tcp://0.0.0.0:5672?protocols=AMQP",
         "mqtt", "tcp://0.0.0.0:1883?protocols=mqtt",
         "everything", "tcp://0.0.0.0:61617");
      assertEquals(Set.of("acceptor 'amqp' (AMQP) on 0.0.0.0:5672", "acceptor 'mqtt' (mqtt) on 0.0.0.0:1883",
                          "acceptor 'everything' (all protocols) on 0.0.0.0:61617"),
                   Set.copyOf(BrokerExposure.exposedApplicationAcceptors(config)));
   }

   @Test
   void loopbackAcceptorsAreNotNamed() throws Exception {
      Configuration config = acceptors(false,
         "ipv4", "tcp://127.0.0.1:61616?protocols=CORE",
         "other-loopback", "tcp://127.0.0.2:61617?protocols=AMQP",
         "ipv6", "tcp://[::1]:61618?protocols=CORE",
         "name", "tcp://localhost:61619?protocols=STOMP");
      config.addAcceptorConfiguration(severalHosts("several", "127.0.0.1,localhost"));
      assertEquals(List.of(), BrokerExposure.exposedApplicationAcceptors(config));
   }

   /** An acceptor listening on each of a comma-separated list of hosts, as the Netty acceptor reads its host parameter. */
   private static TransportConfiguration severalHosts(String name, String hosts) {
      return new TransportConfiguration(NettyAcceptorFactory.class.getName(),
                                        Map.of("host", hosts, "port", 61620, "protocols", "CORE"), name);
   }

   @Test
   void oneNonLoopbackHostOfSeveralIsEnough() throws Exception {
      Configuration config = acceptors(false);
      config.addAcceptorConfiguration(severalHosts("mixed", "127.0.0.1,0.0.0.0"));
      assertEquals(List.of("acceptor 'mixed' (CORE) on 127.0.0.1,0.0.0.0:61620"), BrokerExposure.exposedApplicationAcceptors(config));
   }

   @Test
   void nothingIsNamedWithSecurityOnOrForInVmAcceptors() throws Exception {
      assertEquals(List.of(), BrokerExposure.exposedApplicationAcceptors(
         acceptors(true, "artemis", "tcp://0.0.0.0:61616?protocols=CORE,AMQP")));
      assertEquals(List.of(), BrokerExposure.exposedApplicationAcceptors(acceptors(false, "in-vm", "vm://0")));
   }
}
