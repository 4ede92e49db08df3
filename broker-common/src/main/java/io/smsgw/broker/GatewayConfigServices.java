package io.smsgw.broker;

import java.io.File;
import java.nio.file.Path;

import io.smsgw.core.runtime.GatewayConfigService;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/** The {@link GatewayConfigService} of a broker, with the message id marks beside its journal. */
public final class GatewayConfigServices {

   private GatewayConfigServices() {
   }

   /** The service that loads the gateway configuration into {@code runtime}, the broker's. */
   public static GatewayConfigService of(ActiveMQServer server, GatewayRuntime runtime) {
      return new GatewayConfigService(server.getConfiguration().getName(), runtime, idMarksDirectory(server),
                                      server.getScheduledPool());
   }

   /**
    * The directory of the message id marks: {@value GatewayRuntime#ID_MARKS_DIRECTORY} next to the journal (as the
    * link stores are), so the marks move, back up and fail over with the broker's data.
    */
   public static Path idMarksDirectory(ActiveMQServer server) {
      File journal = server.getConfiguration().getJournalLocation();
      File parent = journal.getAbsoluteFile().getParentFile();
      return (parent == null ? journal : parent).toPath().resolve(GatewayRuntime.ID_MARKS_DIRECTORY);
   }
}
