package io.smsgw.examples.multigateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.GatewayConfigLoader;
import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.examples.QuickStartGateway;
import io.smsgw.simulator.SimulatorConfig;
import io.smsgw.simulator.SmscSimulator;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppRequest;
import io.smsgw.smpp.codec.SmppStatus;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway of the example: an embedded broker started from its rendered {@code broker.xml} and
 * {@code sms-gateway.conf} (in {@code <work>/<site>/etc}, data in {@code <work>/<site>/data}), and, for a
 * regional gateway, the SMSC simulator its link {@value #CARRIER_LINK} binds to, which records every submit it
 * accepts.
 */
@SuppressWarnings("try") // close() may throw InterruptedException: stopping the broker waits
public final class GatewayNode implements AutoCloseable {

   private static final Logger LOG = LoggerFactory.getLogger(GatewayNode.class);

   /** The SMSC link of every regional gateway's configuration. */
   public static final String CARRIER_LINK = "carrier";

   private final Site site;
   private final EmbeddedActiveMQ broker;
   private final SmscSimulator carrier;
   private final Path configFile;
   private final List<CarrierSubmit> carrierSubmits;

   /**
    * A submit_sm the carrier SMSC accepted.
    *
    * @param destination the handset
    * @param text        the short message, read as Latin-1 (the example's texts are ASCII)
    * @param messageId   the id the SMSC answered with
    */
   public record CarrierSubmit(String destination, String text, String messageId) {
   }

   private GatewayNode(Site site, EmbeddedActiveMQ broker, SmscSimulator carrier, Path configFile,
                       List<CarrierSubmit> carrierSubmits) {
      this.site = site;
      this.broker = broker;
      this.carrier = carrier;
      this.configFile = configFile;
      this.carrierSubmits = carrierSubmits;
   }

   /**
    * Renders the site's files, starts its carrier SMSC (receipts after {@code receiptDelay}, all DELIVRD) and
    * then its broker, and returns once the broker is active. The SMSC link, the FWD links and the route cache
    * connect in the background.
    */
   static GatewayNode start(Site site, TopologyPorts ports, Path workDir, Duration receiptDelay) throws Exception {
      Path etc = workDir.resolve(site.id()).resolve("etc");
      Path brokerXml = TemplateFiles.render(TemplateFiles.BROKER_XML, ports.tokens(site), etc.resolve("broker.xml"));
      Path configFile = TemplateFiles.render(site.id() + ".conf", ports.tokens(site), etc.resolve(GatewayConfigLoader.FILE_NAME));
      GatewayConfig config = GatewayConfigLoader.load(configFile);

      List<CarrierSubmit> submits = new CopyOnWriteArrayList<>();
      SmscSimulator carrier = site.hasCarrier() ? startCarrier(site, carrierLink(config), receiptDelay, submits) : null;
      try {
         EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(QuickStartGateway.readBrokerXml(brokerXml));
         broker.createActiveMQServer();
         Configuration brokerConfig = broker.getConfiguration();
         QuickStartGateway.useDataDirectory(brokerConfig, workDir.resolve(site.id()).resolve("data").toAbsolutePath());
         // Five brokers share this JVM: each gets its own configuration before it starts, and the system
         // property that names the file is set only while it starts, so its reloader watches its own file.
         GatewayRuntime.of(broker.getActiveMQServer()).configure(config);
         String previous = System.setProperty(GatewayConfigLocator.PATH_PROPERTY, configFile.toAbsolutePath().toString());
         try {
            broker.getActiveMQServer().start();
            if (!broker.getActiveMQServer().isActive()) {
               throw new IllegalStateException("The broker of " + site.id() + " did not become active; see the log above");
            }
         } catch (Exception | Error e) {
            broker.stop();
            throw e;
         } finally {
            restore(previous);
         }
         return new GatewayNode(site, broker, carrier, configFile, submits);
      } catch (Exception | Error e) {
         if (carrier != null) {
            carrier.close();
         }
         throw e;
      }
   }

   private static SmscLinkConfig carrierLink(GatewayConfig config) {
      return config.links().stream().filter(link -> CARRIER_LINK.equals(link.id())).findFirst()
         .orElseThrow(() -> new IllegalStateException(config.name() + " has no SMSC link \"" + CARRIER_LINK + "\""));
   }

   private static SmscSimulator startCarrier(Site site, SmscLinkConfig link, Duration receiptDelay, List<CarrierSubmit> submits) {
      return SmscSimulator.start(SimulatorConfig.builder()
                                    .host(link.host())
                                    .port(link.port())
                                    .credential(link.systemId(), link.password())
                                    .receiptDelay(receiptDelay)
                                    .receiptSuccessRatio(1.0)
                                    .submitListener((systemId, submit, status, messageId) -> record(site, submit, status, messageId, submits))
                                    .build());
   }

   private static void record(Site site, SmppRequest submit, int status, String messageId, List<CarrierSubmit> submits) {
      if (status == SmppStatus.ESME_ROK && submit instanceof ShortMessagePdu pdu) {
         CarrierSubmit accepted = new CarrierSubmit(pdu.destinationAddr().address(),
                                                    new String(pdu.shortMessage(), StandardCharsets.ISO_8859_1), messageId);
         submits.add(accepted);
         LOG.info("Carrier SMSC of {} accepted {}", site.id(), accepted);
      }
   }

   private static void restore(String previous) {
      if (previous == null) {
         System.clearProperty(GatewayConfigLocator.PATH_PROPERTY);
      } else {
         System.setProperty(GatewayConfigLocator.PATH_PROPERTY, previous);
      }
   }

   public Site site() {
      return site;
   }

   public ActiveMQServer server() {
      return broker.getActiveMQServer();
   }

   /** The rendered sms-gateway.conf this gateway runs with (and reloads when it changes). */
   public Path configFile() {
      return configFile;
   }

   /** The carrier SMSC simulator; absent for the tandem gateway. */
   public SmscSimulator carrier() {
      if (carrier == null) {
         throw new IllegalStateException(site.id() + " has no carrier SMSC");
      }
      return carrier;
   }

   /** Every submit the carrier SMSC accepted so far, in arrival order. */
   public List<CarrierSubmit> carrierSubmits() {
      return List.copyOf(carrierSubmits);
   }

   /** Whether the SMSC link {@value #CARRIER_LINK} is bound (always false for the tandem gateway). */
   public boolean carrierLinkBound() {
      return carrier != null && GatewayRuntime.of(server()).links().isUp(CARRIER_LINK);
   }

   /** Messages waiting in {@code queue} (0 if there is no such queue). */
   public long messageCount(String queue) {
      var q = server().locateQueue(queue);
      return q == null ? 0 : q.getMessageCount();
   }

   /** The {@code sms.*} queues holding messages right now, by name, with their counts (in name order). */
   public SortedMap<String, Long> waitingMessages() {
      SortedMap<String, Long> waiting = new TreeMap<>();
      server().getPostOffice().getAllBindings()
         .filter(binding -> binding instanceof LocalQueueBinding && binding.getUniqueName().toString().startsWith("sms."))
         .map(binding -> ((LocalQueueBinding) binding).getQueue())
         .filter(queue -> queue.getMessageCount() > 0)
         .forEach(queue -> waiting.put(queue.getName().toString(), queue.getMessageCount()));
      return waiting;
   }

   /** The application acceptor's URL for the Artemis JMS client. */
   public String coreUrl() {
      return "tcp://127.0.0.1:" + server().getRemotingService().getAcceptor("artemis").getActualPort();
   }

   /** Stops the broker, then the carrier SMSC (so the link does not see its SMSC vanish first). */
   @Override
   public void close() throws Exception {
      try {
         broker.stop();
      } finally {
         if (carrier != null) {
            carrier.close();
         }
      }
   }
}
