// Start the GOV.UK Frontend components on every page (loaded as a module with the CSP nonce).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
