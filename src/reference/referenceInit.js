/* global SwaggerUIBundle */
// Loaded by the reference page (an external file: the server's Content-Security-Policy forbids inline
// scripts). "This server" comes first among the servers, so "Try it out" calls the server that served the page.
(() => {
  fetch('/api/v1/openapi.json')
    .then((res) => res.json())
    .then((spec) => {
      spec.servers = [{ url: `${window.location.origin}/api/v1`, description: 'This server' }].concat(spec.servers || []);
      window.ui = SwaggerUIBundle({
        spec: spec,
        dom_id: '#swagger-ui',
        deepLinking: true,
        // The default validator badge would call an outside service.
        validatorUrl: null,
        displayRequestDuration: true,
        persistAuthorization: false,
      });
    })
    // Without the contract there is nothing to render: say so on the page instead of leaving it blank.
    .catch((err) => {
      document.getElementById('swagger-ui').textContent = `The API reference could not load: ${err.message}`;
    });
})();
