package dev.coedit.it.container;

import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A DataSource defined by the application (as an operator would define one in the server) and a probe that reads
 * what Coedit stored in it: {@code GET ds-probe?doc=ID} answers the document's stored head version, or -1. Deployed
 * with the WAR by {@link DataSourceInContainerIT} only.
 */
@DataSourceDefinition(name = DataSourceProbe.JNDI_NAME, className = "org.h2.jdbcx.JdbcDataSource",
        url = "jdbc:h2:mem:coedit-datasource-test;DB_CLOSE_DELAY=-1", user = "sa", password = "")
@WebServlet("/ds-probe")
public class DataSourceProbe extends HttpServlet {

    static final String JNDI_NAME = "java:app/jdbc/coedit-test";

    @Resource(lookup = JNDI_NAME)
    private DataSource dataSource;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long head = -1;
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT version FROM ops WHERE document_id = ? ORDER BY version DESC LIMIT 1")) {
            s.setString(1, request.getParameter("doc"));
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    head = r.getLong(1);
                }
            }
        } catch (SQLException e) {
            response.sendError(500, e.getMessage());
            return;
        }
        response.setContentType("text/plain");
        response.getWriter().print(head);
    }
}
