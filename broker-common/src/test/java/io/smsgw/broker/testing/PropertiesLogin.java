package io.smsgw.broker.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.PropertiesLoginModule;

/**
 * Artemis' JAAS security manager with the stock login.config entry: the PropertiesLoginModule reading
 * artemis-users.properties and artemis-roles.properties, written into a test's directory.
 */
public final class PropertiesLogin {

   private static final String DOMAIN = "activemq";

   private PropertiesLogin() {
   }

   /**
    * @param users lines of artemis-users.properties ({@code user = password})
    * @param roles lines of artemis-roles.properties ({@code role = user1,user2})
    */
   public static ActiveMQJAASSecurityManager manager(Path dir, String users, String roles) throws IOException {
      Files.writeString(dir.resolve("artemis-users.properties"), users);
      Files.writeString(dir.resolve("artemis-roles.properties"), roles);
      Map<String, String> options = Map.of(
         "baseDir", dir.toString(),
         PropertiesLoginModule.USER_FILE_PROP_NAME, "artemis-users.properties",
         PropertiesLoginModule.ROLE_FILE_PROP_NAME, "artemis-roles.properties");
      // A Configuration object rather than java.security.auth.login.config: that one is read once per JVM.
      SecurityConfiguration login = new SecurityConfiguration() {
         @Override
         public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            return DOMAIN.equals(name) ? new AppConfigurationEntry[] {new AppConfigurationEntry(PropertiesLoginModule.class.getName(),
               AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)} : null;
         }
      };
      return new ActiveMQJAASSecurityManager(DOMAIN, login);
   }
}
