#include "actors/master/open_master.h"

namespace bucket::master {

Result<std::unique_ptr<MasterActor>> OpenMaster(const config::MasterConfig& config,
                                                std::string rpc_endpoint,
                                                storage::FileSystem* fs,
                                                const RecoveryOptions& options,
                                                std::shared_ptr<spdlog::logger> log) {
  BUCKET_RETURN_IF_ERROR(fs->MakeDirs(config.data_dir).WithContext("node.data_dir"));
  MasterState state;
  auto report = RecoverState(*fs, config.data_dir, options, &state);
  if (!report.ok()) return report.status().WithContext("recovering " + config.data_dir);
  for (const auto& note : report->notes) log->warn("{} recovery: {}", config.node_id, note);
  log->info("{} recovered: checkpoint of segment {}, {} records replayed up to segment {}",
            config.node_id, report->checkpoint, report->records_replayed, report->last_segment);
  auto oplog = OpLog::Open(fs, config.data_dir, report->last_segment + 1,
                           config.oplog_segment_bytes);
  if (!oplog.ok()) return oplog.status().WithContext("opening the operation log");
  return std::make_unique<MasterActor>(config, std::move(rpc_endpoint), fs, std::move(state),
                                       std::move(*oplog), std::move(log));
}

}  // namespace bucket::master
