import { createTRPCRouter, permissionProcedure } from '../trpc';
import * as d from '../../dashboards/service';

const read = permissionProcedure('dashboards:read');

/** Every dashboard panel: one query over the rollups, with the view's range and filters. */
export const dashboardsRouter = createTRPCRouter({
  overview: read.input(d.OverviewInput).query(({ input }) => d.overview(input)),
  movers: read.input(d.DashboardInput).query(({ input }) => d.movers(input)),
  offload: read.input(d.DashboardInput).query(({ input }) => d.offloadSeries(input)),
  breakdown: read.input(d.BreakdownInput).query(({ input }) => d.breakdown(input)),
  swarms: read.input(d.SwarmsInput).query(({ input }) => d.swarms(input)),
  swarmSize: read.input(d.SwarmSeriesInput).query(({ input }) => d.swarmSizeSeries(input)),
  sizeCurve: read.input(d.DashboardInput).query(({ input }) => d.sizeCurve(input)),
  isps: read.input(d.IspsInput).query(({ input }) => d.isps(input)),
  ispSeries: read.input(d.IspSeriesInput).query(({ input }) => d.ispSeries(input)),
  ispFlows: read.input(d.FlowsInput).query(({ input }) => d.ispFlows(input)),
  ispDetail: read.input(d.IspDetailInput).query(({ input }) => d.ispDetail(input)),
  qoe: read.input(d.QoeInput).query(({ input }) => d.qoe(input)),
});
