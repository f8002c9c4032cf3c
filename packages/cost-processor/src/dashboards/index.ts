/**
 * Grafana dashboards as code.
 * @module
 */
export {
  DASHBOARD_UID,
  type DashboardOptions,
  type GeneratedDashboard,
  generateDashboards,
} from './dashboards.js';
