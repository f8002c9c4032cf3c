// Prints every Alertmanager webhook delivery, one line per alert, for the docker compose demo.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    try {
      const payload = JSON.parse(body);
      for (const a of payload.alerts ?? []) {
        console.log(
          `[${payload.receiver}] ${a.status} ${a.labels.alertname} ${a.labels.burnrate_budget ?? ''} ${a.annotations.summary ?? ''}`,
        );
      }
      res.statusCode = 200;
    } catch {
      res.statusCode = 400;
    }
    res.end();
  });
}).listen(port, '0.0.0.0', () => console.log(`webhook-logger on :${port}`));
